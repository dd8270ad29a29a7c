import { once } from "node:events";
import { Socket } from "node:net";
import { rootCertificates, connect as tlsConnect, TLSSocket } from "node:tls";
import { xml, type XmlElement, type XmppClient } from "@xmpp/client";

const STREAM_NS = "http://etherx.jabber.org/streams";
const STARTTLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";

/**
 * Makes one @xmpp/client connection trust `ca` (PEM) for the server's certificate, besides the
 * system's CAs, without touching the process-wide trust (NODE_EXTRA_CA_CERTS would).
 *
 * @xmpp/client 0.14 takes no TLS options: its STARTTLS step calls `tls.connect({ socket, host })`
 * and nothing else. So this client's STARTTLS is done here, in the same steps (RFC 6120 §5.4:
 * <starttls/>, <proceed/>, handshake, stream restart) with the CA added; the library's own
 * STARTTLS handler never sees the offer. For xmpps:// (direct TLS) the library passes the
 * service's socket parameters straight to `tls.connect`, so the CA is added there.
 *
 * Call it once, right after `client()` and before `start()`: the stanza middleware's listener
 * must be the only `element` listener to wrap, and the wrapper must be in place for the first
 * stream features.
 */
export function trustCertificateAuthority(xmpp: XmppClient, file: Buffer, domain: string): void {
  // Node's `ca` replaces the built-in CAs: keep them, so the file adds one.
  const ca = [...rootCertificates, file];
  const socketParameters = xmpp.socketParameters.bind(xmpp);
  xmpp.socketParameters = (service) => {
    const parameters = socketParameters(service);
    return parameters && { ...parameters, ca };
  };

  const middleware = xmpp.listeners("element");
  for (const listener of middleware) xmpp.removeListener("element", listener);
  xmpp.on("element", (element: XmlElement) => {
    if (
      element.is("features", STREAM_NS) &&
      element.getChild("starttls", STARTTLS_NS) &&
      xmpp.socket instanceof Socket &&
      !(xmpp.socket instanceof TLSSocket)
    ) {
      startTls(xmpp, xmpp.socket, ca, domain).catch((error: unknown) => {
        // The error rejects start() (it waits for "online" or "error"); the caller closes.
        xmpp.emit("error", error);
      });
      return;
    }
    for (const listener of middleware) listener(element);
  });
}

async function startTls(xmpp: XmppClient, plain: Socket, ca: (string | Buffer)[], domain: string) {
  const answer = await xmpp.sendReceive(xml("starttls", { xmlns: STARTTLS_NS }));
  if (!answer.is("proceed", STARTTLS_NS)) throw new Error("the server refused STARTTLS");
  // The certificate must name the XMPP domain (RFC 6125), as the library's own STARTTLS checks.
  const secured = tlsConnect({ socket: plain, host: domain, servername: domain, ca });
  try {
    await once(secured, "secureConnect");
  } catch (error) {
    secured.destroy();
    plain.destroy();
    throw error;
  }
  // `secure` is what the library's isSecure() reads (the stream header's `from`, SASL PLAIN).
  Object.assign(secured, { secure: true });
  xmpp._detachSocket();
  xmpp._attachSocket(secured);
  await xmpp.restart();
}
