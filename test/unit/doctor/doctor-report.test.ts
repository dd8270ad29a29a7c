import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runBounded, withDeadline } from "../../../src/doctor/bounded-tasks.js";
import type { CheckResult } from "../../../src/doctor/check-result.js";
import { doctorReport, formatDoctorText } from "../../../src/doctor/doctor-report.js";

const results: CheckResult[] = [
  { subject: "notes", check: "dvcs", status: "ok", message: "git 2.43.0" },
  {
    subject: "notes",
    check: "upstream",
    status: "warning",
    message: "branch main has no upstream",
    fix: "`git push -u origin main`",
  },
  {
    subject: "xmpp",
    check: "xmpp",
    status: "problem",
    message: "login refused: not-authorized",
    fix: "check the password",
    failure: "auth",
  },
];

describe("the doctor's report", () => {
  test("text: one aligned line per check, the fix after an arrow, a summary last", () => {
    assert.equal(
      formatDoctorText(results, "autosync.config.yaml"),
      [
        "autosync doctor — autosync.config.yaml",
        "ok       notes  dvcs      git 2.43.0",
        "warning  notes  upstream  branch main has no upstream → `git push -u origin main`",
        "problem  xmpp   xmpp      login refused: not-authorized → check the password",
        "1 problem, 1 warning, 1 ok",
        "",
      ].join("\n"),
    );
  });

  test("JSON: ok only without problems, counts per status, null where a field does not apply", () => {
    const report = doctorReport(results, undefined);
    assert.equal(report.ok, false);
    assert.equal(report.config, null);
    assert.deepEqual(report.counts, { ok: 1, warning: 1, problem: 1 });
    assert.deepEqual(report.checks[0], {
      subject: "notes",
      check: "dvcs",
      status: "ok",
      message: "git 2.43.0",
      fix: null,
      failure: null,
    });
    assert.equal(report.checks[2]?.failure, "auth");
    assert.equal(doctorReport(results.slice(0, 2), "c.yaml").ok, true);
  });

  test("probes run at most `limit` at a time and come back in the tasks' order", async () => {
    let running = 0;
    let most = 0;
    const tasks = [30, 5, 20, 1, 10].map((ms, index) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return index;
    });
    assert.deepEqual(await runBounded(tasks, 2), [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  test("a probe past its deadline yields the late answer", async () => {
    const never = new Promise<string>(() => {});
    assert.equal(await withDeadline(never, 10, () => "late"), "late");
    assert.equal(await withDeadline(Promise.resolve("on time"), 1_000, () => "late"), "on time");
  });
});
