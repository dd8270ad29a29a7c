/** One line of a unified diff: kept (" "), removed ("-") or added ("+"). */
export interface DiffLine {
  sign: " " | "-" | "+";
  text: string;
}

export interface DiffHunk {
  /** 1-based first line in the old and the new text, and how many lines each side spans. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** Beyond this many differing lines the diff gives up on minimality (whole-file replace). */
const MAX_EDIT_DISTANCE = 4000;

/** Splits text into lines, keeping a missing final newline visible as its own mark. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  else lines[lines.length - 1] += " ⏎ (no newline at end)";
  return lines;
}

/**
 * Myers' O(ND) line diff (the algorithm behind `diff` and git), as unified hunks with
 * `context` lines around each change. Diffs of conflicted text files are small: the three-way
 * view needs no library for them.
 */
export function diffLines(oldText: string, newText: string, context = 3): DiffHunk[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  return toHunks(editScript(a, b), context);
}

function editScript(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
          ? (v[offset + k + 1] as number)
          : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    // Too different to be worth a minimal diff: everything old goes, everything new comes.
    return [
      ...a.map((text): DiffLine => ({ sign: "-", text })),
      ...b.map((text): DiffLine => ({ sign: "+", text })),
    ];
  }
  const script: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const previous = trace[d] as Int32Array;
    const k = x - y;
    const down =
      k === -d ||
      (k !== d && (previous[offset + k - 1] as number) < (previous[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = previous[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      script.push({ sign: " ", text: a[--x] as string });
    }
    if (down) script.push({ sign: "+", text: b[--y] as string });
    else script.push({ sign: "-", text: a[--x] as string });
  }
  while (x > 0 && y > 0) {
    y--;
    script.push({ sign: " ", text: a[--x] as string });
  }
  return script.reverse();
}

function toHunks(script: readonly DiffLine[], context: number): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let current: DiffHunk | undefined;
  let trailing = 0;
  // For each line, the index of the next changed line at or after it (-1: none).
  const nextChange = new Int32Array(script.length + 1).fill(-1);
  for (let index = script.length - 1; index >= 0; index--)
    nextChange[index] = script[index]?.sign !== " " ? index : (nextChange[index + 1] as number);
  script.forEach((line, index) => {
    if (line.sign === " ") {
      if (current) {
        const next = nextChange[index] as number;
        if (trailing < context || (next >= 0 && next - index <= context)) {
          current.lines.push(line);
          current.oldLines++;
          current.newLines++;
          trailing++;
        } else {
          hunks.push(current);
          current = undefined;
        }
      }
      oldLine++;
      newLine++;
      return;
    }
    if (!current) {
      const before = [];
      for (let back = index - 1; back >= 0 && before.length < context; back--) {
        const previous = script[back] as DiffLine;
        if (previous.sign !== " ") break;
        before.unshift(previous);
      }
      current = {
        oldStart: oldLine - before.length,
        oldLines: before.length,
        newStart: newLine - before.length,
        newLines: before.length,
        lines: [...before],
      };
    }
    trailing = 0;
    current.lines.push(line);
    if (line.sign === "-") {
      current.oldLines++;
      oldLine++;
    } else {
      current.newLines++;
      newLine++;
    }
  });
  if (current) hunks.push(current);
  return hunks;
}
