import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TestCertificates {
  /** The private CA's certificate (PEM): what a client must trust. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A throwaway CA and a server certificate it signed, valid for localhost, 127.0.0.1 and the
 * given names, made with the openssl CLI into `dir` (which the caller removes).
 */
export async function makeTestCertificates(
  dir: string,
  names: string[] = [],
): Promise<TestCertificates> {
  const caKey = join(dir, "ca.key");
  const caFile = join(dir, "ca.pem");
  const keyFile = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const certFile = join(dir, "server.pem");
  const ext = join(dir, "server.ext");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    caKey,
    "-out",
    caFile,
    "-days",
    "2",
    "-subj",
    "/CN=autosync test CA",
  ]);
  await run("openssl", ["req", ...ec, "-keyout", keyFile, "-out", csr, "-subj", "/CN=localhost"]);
  const san = ["DNS:localhost", "IP:127.0.0.1", ...names.map((name) => `DNS:${name}`)].join(",");
  await writeFile(ext, `subjectAltName=${san}\n`);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    caFile,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    certFile,
    "-days",
    "2",
    "-extfile",
    ext,
  ]);
  return { caFile, certFile, keyFile };
}
