import { EventEmitter } from "node:events";

/** A terminal of a given size that keeps every frame Ink writes; `resize` behaves like a TTY's. */
export class FakeTerminal extends EventEmitter {
  readonly frames: string[] = [];
  isTTY = false;

  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }

  write = (frame: string, ...rest: unknown[]): boolean => {
    this.frames.push(frame);
    // Ink waits for the write callback before it settles waitUntilExit.
    const callback = rest.find((argument) => typeof argument === "function") as
      (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  };

  /** Typed as what Ink expects; only write, columns, rows and "resize" are used. */
  get stream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream;
  }

  lastFrame(): string {
    return this.frames.at(-1) ?? "";
  }

  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
}

/** Keyboard input in raw mode, as Ink reads it. */
export class FakeKeyboard extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  read = (): string | null => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  get stream(): NodeJS.ReadStream {
    return this as unknown as NodeJS.ReadStream;
  }

  type(data: string): void {
    this.pending = data;
    this.emit("readable");
    this.emit("data", data);
  }
}
