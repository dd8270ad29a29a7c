import type { ChannelFailure } from "../channels/channel.js";

/** Every line the channels (XMPP, MQTT, the embedded broker) show to a user. */
export const channelMessages = {
  stopped: "stopped",
  /** After "announced … via xmpp", when the channel counted its recipients. */
  recipients: (count: number | undefined) =>
    count === undefined
      ? ""
      : count === 0
        ? " (no other machine online; they pull when they connect)"
        : ` (to ${count} machine${count === 1 ? "" : "s"})`,
  notConnected: (channel: string) => `${channel} is not connected`,
  foreignSender: (channel: string, from: string) =>
    `ignored an announcement over ${channel} from ${from}: not this account and not in allowFrom`,
  foreignSenderHint: "Add the sender to channels.xmpp.allowFrom if it should trigger pulls.",
  malformed: (channel: string, from: string, detail: string) =>
    `ignored a malformed announcement over ${channel} from ${from}: ${detail}`,
  rejectedSignature: (channel: string, from: string, detail: string) =>
    `ignored an announcement over ${channel} from ${from}: ${detail}`,
  rejectedSignatureHint:
    "All machines must share the same channels.secret; an unsigned or differently signed announcement is dropped.",
  listenerFailed: (detail: string) => `an announcement listener failed: ${detail}`,
  tellHumansFailed: (channel: string, detail: string) =>
    `could not send the notice line over ${channel}: ${detail}`,
  secretFailed: (detail: string) =>
    `could not read channels.secret (${detail}); announcements are not sent until it can be read`,
  connectFailed: (channel: string, failure: ChannelFailure, detail: string) =>
    `${channel}: ${failureLabel[failure]}: ${detail}`,
  humanPushed: (repo: string, host: string, head: string) =>
    `autosync: ${host} pushed ${repo} (${head.slice(0, 12)})`,
  humanConflict: (repo: string, host: string, paths: string[]) =>
    `autosync: conflict in ${repo} on ${host}, both versions kept: ${paths.slice(0, 5).join(", ")}${paths.length > 5 ? ` and ${paths.length - 5} more` : ""}; see \`autosync conflicts\``,
  headlineBody: (repositoryId: string, host: string) =>
    `autosync announcement: ${host} pushed ${repositoryId.slice(0, 12)} (machine-readable, safe to ignore)`,

  xmpp: {
    dns: (host: string, detail: string) =>
      `cannot resolve the XMPP server ${host} (${detail}); set channels.xmpp.service to xmpp://host:port to skip DNS SRV lookup`,
    tcp: (target: string, detail: string) =>
      `cannot open a TCP connection to ${target} (${detail}); is the server running and the port right?`,
    timeout: (target: string, ms: number) =>
      `no answer from ${target} within ${ms} ms (TCP or stream setup timed out)`,
    tls: (target: string, detail: string) =>
      `TLS with ${target} failed (${detail}); check the server certificate (channels.xmpp.caFile for a private CA or a self-signed server) and the service URL scheme`,
    auth: (jid: string, detail: string) =>
      `the server refused the login of ${jid} (${detail}); check channels.xmpp.jid and its password`,
    protocol: (target: string, detail: string) => `XMPP session with ${target} failed: ${detail}`,
    resourceConflict: (fullJid: string) =>
      `another client logged in as ${fullJid} and the server closed this session; give each machine its own channels.xmpp.resource`,
    badJid: (jid: string) => `channels.xmpp.jid '${jid}' is not a JID like user@example.org`,
    caFile: (file: string, detail: string) => `cannot read channels.xmpp.caFile ${file}: ${detail}`,
  },
  mqtt: {
    dns: (url: string, detail: string) => `cannot resolve the MQTT broker in ${url} (${detail})`,
    tcp: (url: string, detail: string) =>
      `cannot open a TCP connection to the MQTT broker ${url} (${detail}); is it running?`,
    timeout: (url: string, ms: number) => `the MQTT broker ${url} did not answer within ${ms} ms`,
    tls: (url: string, detail: string) =>
      `TLS with the MQTT broker ${url} failed (${detail}); set channels.mqtt.caFile for a private CA`,
    auth: (url: string, detail: string) =>
      `the MQTT broker ${url} refused the login (${detail}); check channels.mqtt.username and password`,
    protocol: (url: string, detail: string) => `MQTT session with ${url} failed: ${detail}`,
    caFile: (file: string, detail: string) => `cannot read channels.mqtt.caFile ${file}: ${detail}`,
  },
  broker: {
    listening: (url: string) => `autosync MQTT broker listening on ${url} (Ctrl-C stops it)\n`,
    stopped: "autosync MQTT broker stopped\n",
    cannotListen: (address: string, detail: string) =>
      `autosync broker: cannot listen on ${address}: ${detail}\n`,
    badPort: (value: string) =>
      `autosync broker: --port expects a number from 0 to 65535, found '${value}'\n`,
    missingValue: (flag: string) => `autosync broker: ${flag} needs a value\n`,
    unknownFlag: (flag: string) =>
      `autosync broker: unknown option '${flag}'. Run 'autosync broker --help'.\n`,
  },
} as const;

const failureLabel: Record<ChannelFailure, string> = {
  config: "configuration problem",
  dns: "DNS lookup failed",
  tcp: "TCP connection failed",
  tls: "TLS failed",
  auth: "authentication failed",
  protocol: "protocol error",
};
