// @xmpp/client 0.14 ships no type declarations; this declares the part autosync uses.
declare module "@xmpp/client" {
  import type { Socket } from "node:net";

  export interface XmlElement {
    name: string;
    attrs: Record<string, string | undefined>;
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    toString(): string;
  }

  export interface Jid {
    bare(): Jid;
    toString(): string;
    local: string;
    domain: string;
    resource: string;
  }

  export interface XmppClient {
    start(): Promise<Jid>;
    stop(): Promise<unknown>;
    send(element: XmlElement): Promise<void>;
    sendMany(elements: XmlElement[]): Promise<void>;
    on(event: "stanza", listener: (stanza: XmlElement) => void): this;
    on(event: "error", listener: (error: unknown) => void): this;
    on(event: "element", listener: (element: XmlElement) => void): this;
    on(event: "offline" | "disconnect" | "online", listener: (...args: unknown[]) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
    status: string;
    /** The transport socket (net.Socket or tls.TLSSocket) while there is one. */
    socket: { destroy(): void } | null;
    reconnect: { stop(): void };
    iqCaller: { request(element: XmlElement, timeoutMs?: number): Promise<XmlElement> };
    // The EventEmitter and connection internals xmpp-tls-trust.ts uses to add a CA to TLS.
    listeners(event: "element"): ((element: XmlElement) => void)[];
    removeListener(event: "element", listener: (element: XmlElement) => void): this;
    emit(event: "error", error: unknown): boolean;
    sendReceive(element: XmlElement, timeoutMs?: number): Promise<XmlElement>;
    restart(): Promise<unknown>;
    /** Socket options of a service URI: passed to tls.connect for xmpps://. */
    socketParameters(service: string): Record<string, unknown> | undefined;
    _attachSocket(socket: Socket): void;
    _detachSocket(): void;
  }

  export interface ClientOptions {
    service?: string;
    domain?: string;
    username?: string;
    password?: string;
    resource?: string;
    timeout?: number;
  }

  export function client(options: ClientOptions): XmppClient;
  export function xml(
    name: string,
    attrs?: Record<string, string | undefined> | null,
    ...children: (XmlElement | string)[]
  ): XmlElement;
  export function jid(address: string): Jid;
}
