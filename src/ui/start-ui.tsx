import { render } from "ink";
import { App } from "./App.js";
import { ColorContext, colorsAllowed } from "./color-context.js";
import type { DaemonView } from "./daemon-view.js";
import { UiErrorBoundary } from "./UiErrorBoundary.js";

export interface StartUiOptions {
  stdout?: NodeJS.WriteStream | NodeJS.WritableStream;
  stdin?: NodeJS.ReadStream | NodeJS.ReadableStream;
  stderr?: NodeJS.WritableStream;
  /** Shown in the header, e.g. the host name. */
  title?: string;
  /** Defaults to the environment: NO_COLOR turns colours off. */
  colors?: boolean;
  env?: NodeJS.ProcessEnv;
  tickMs?: number;
  now?: () => number;
  /** Tests: write every frame whole instead of redrawing in place. */
  debug?: boolean;
  /** Called when a component throws; the UI shows a one-line fallback and syncing goes on. */
  onError?: (error: Error) => void;
}

export interface UiHandle {
  /** Resolves when the user quit (after `view.stop()` finished) or `unmount` was called. */
  waitUntilExit(): Promise<void>;
  unmount(): void;
}

/**
 * The live terminal UI over a running daemon. Call it only on a TTY; without one the runtime
 * prints plain log lines instead. `q` calls `view.stop()` and exits once it resolves.
 */
export function startUi(view: DaemonView, options: StartUiOptions = {}): UiHandle {
  const stdout = options.stdout ?? process.stdout;
  const colors = options.colors ?? colorsAllowed(options.env ?? process.env);
  const isTty = Boolean((stdout as { isTTY?: boolean }).isTTY);
  let unmount = (): void => {};
  const quit = (): void => unmount();
  const instance = render(
    <ColorContext.Provider value={colors}>
      <UiErrorBoundary
        onQuit={() => void view.stop().then(quit, quit)}
        {...(options.onError ? { onError: options.onError } : {})}
      >
        <App
          view={view}
          onQuit={quit}
          {...(options.title !== undefined ? { title: options.title } : {})}
          {...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {})}
          {...(options.now ? { now: options.now } : {})}
        />
      </UiErrorBoundary>
    </ColorContext.Provider>,
    {
      stdout,
      stdin: options.stdin ?? process.stdin,
      stderr: options.stderr ?? process.stderr,
      debug: options.debug ?? false,
      // Ctrl+C is a key like q: it must stop the daemon cleanly, not just unmount the UI.
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 10,
      alternateScreen: isTty && !options.debug,
      // Ink turns itself off when it sees CI=true; on a real TTY (CI's tmux test) we want it on.
      ...(options.debug ? {} : { interactive: isTty }),
    },
  );
  unmount = () => instance.unmount();
  return {
    waitUntilExit: async () => {
      await instance.waitUntilExit();
    },
    unmount: () => instance.unmount(),
  };
}
