// Generated from schemas/autosync.schema.json by scripts/generate.ts (npm run gen). Do not edit by hand.

/**
 * How to talk to the version control system: a built-in recipe (git, hg, bzr) or the path of a recipe file, relative to this config file.
 */
export type RecipeRef = string;
/**
 * An argv template: the program, then its arguments, one array element each. `{paths}` must be a whole element and expands to one element per path; any other `{name}` is replaced inside its element. `{{`/`}}` are literal braces.
 *
 * @minItems 1
 */
export type ArgvTemplate = [string, ...string[]];
/**
 * Quiet period after the last change before committing.
 */
export type DurationText = string | 0;
/**
 * Commit at the latest this long after the first pending change, even if changes keep coming.
 */
export type DurationText1 = string | 0;
/**
 * Quiet period after the last commit before pushing.
 */
export type DurationText2 = string | 0;
/**
 * Pull this often when no announcement arrives (a fallback for missed messages); 0 disables.
 */
export type DurationText3 = string | 0;
/**
 * Share of tracked files one quiet period may delete before the repository pauses, as "50%" or 0.5.
 */
export type ShareValue = string | number;
/**
 * Files above this size are large. KB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024.
 */
export type SizeText = string | number;
/**
 * Periodic full status when watching is impossible (for example the inotify watch limit was hit).
 */
export type DurationText4 = string | 0;
/**
 * What starts a rule: a local `change`, an operation that finished (`committed`, `pushed`, `pulled`, `conflict`), an `announcement` from another machine, the pull `interval`, `startup`, or a `manual` sync.
 */
export type PipelineTrigger =
  | "change"
  | "committed"
  | "pushed"
  | "pulled"
  | "conflict"
  | "announcement"
  | "interval"
  | "startup"
  | "manual";
/**
 * Quiet period after the last trigger, restarted by each trigger; absent: act at once.
 */
export type Delay = TimerName | Duration;
/**
 * A timer configured under `timers`: `commitDelay`, `maxCommitDelay` or `pushDelay`.
 */
export type TimerName = "commitDelay" | "maxCommitDelay" | "pushDelay";
/**
 * A duration such as `500ms`, `2s`, `10m` or `1h`.
 */
export type Duration = string;
/**
 * Act at the latest this long after the first trigger of a quiet period.
 */
export type Delay1 = TimerName | Duration;
/**
 * What a rule does: a built-in action (`commit`, `push`, `pull`, `announce`), a desktop notice (`{ notify: kind }`) or a user command (`{ run: [argv…] }`, run in the repository root).
 */
export type PipelineActionSpec =
  | ("commit" | "push" | "pull" | "announce")
  | {
      notify: PipelineNoticeKind;
    }
  | {
      /**
       * The command and its arguments, one element each.
       *
       * @minItems 1
       */
      run: [string, ...string[]];
    };
/**
 * Kind of desktop notice.
 */
export type PipelineNoticeKind = "pushed" | "pulled" | "conflict" | "error" | "offline" | "online";
/**
 * Replace the recipe's pipeline rules: which triggers lead to which actions, after which quiet period.
 */
export type PipelineSpec = PipelineRuleSpec[];
/**
 * The watch root: a working copy of the recipe's kind. `~` and $VARS are expanded; relative to the config file.
 */
export type PathText = string;
/**
 * Overrides defaults.recipe for this repository.
 */
export type RecipeRef1 = string;
/**
 * Overrides defaults.pipeline (and the recipe's pipeline) for this repository, as a whole.
 */
export type PipelineSpec1 = PipelineRuleSpec[];
/**
 * The XMPP account (bare JID) all machines log into.
 */
export type Jid = string;
/**
 * The account's password, as a secret reference.
 */
export type SecretSpec =
  | string
  | {
      /**
       * Name of the environment variable that holds the secret.
       */
      env: string;
    }
  | {
      /**
       * Shell command (run with sh -c) whose standard output, without the final newline, is the secret.
       */
      command: string;
    };
/**
 * CA certificate file (PEM) to trust for the XMPP server's certificate (STARTTLS or xmpps://), for a server with a private CA or a self-signed certificate. `~` and $VARS are expanded; relative to the config file.
 */
export type PathText1 = string;
/**
 * JID or list of JIDs that get a short human-readable message after pushes and on conflicts.
 */
export type JidList = Jid1 | Jid1[];
/**
 * A bare XMPP address such as me@example.org.
 */
export type Jid1 = string;
/**
 * Password for the broker, as a secret reference.
 */
export type SecretSpec1 =
  | string
  | {
      /**
       * Name of the environment variable that holds the secret.
       */
      env: string;
    }
  | {
      /**
       * Shell command (run with sh -c) whose standard output, without the final newline, is the secret.
       */
      command: string;
    };
/**
 * CA certificate file (PEM) for an mqtts:// broker with a private CA. `~` and $VARS are expanded; relative to the config file.
 */
export type PathText2 = string;
/**
 * Shared secret that signs announcements (HMAC-SHA256). When set, unsigned or wrongly signed announcements are ignored. Use the same value on every machine.
 */
export type SecretSpec2 =
  | string
  | {
      /**
       * Name of the environment variable that holds the secret.
       */
      env: string;
    }
  | {
      /**
       * Shell command (run with sh -c) whose standard output, without the final newline, is the secret.
       */
      command: string;
    };
/**
 * At most one popup per kind within this window; later ones in the window are summarised.
 */
export type DurationText5 = string | 0;
/**
 * Where the running daemon writes its process id. `~` and $VARS are expanded; relative to the config file.
 */
export type PathText3 = string;
/**
 * Unix socket that `autosync status`, `sync` and `pause` talk to. Default: $XDG_RUNTIME_DIR/autosync-<hash of the config path>.sock, else next to the pidfile.
 */
export type PathText4 = string;

/**
 * autosync configuration: which folders to keep in sync, how, and how machines tell each other about pushes. Reference: docs/config.md; guide: docs/configuration.md.
 */
export interface AutosyncConfig {
  /**
   * Path or URL of this schema, for editors that read it from the document.
   */
  $schema?: string;
  /**
   * Version of the configuration format. Always 1 for now; a future incompatible format gets a new number.
   */
  version: 1;
  /**
   * This machine's name, used in commit messages, conflict copies and announcements. Default: the AUTOSYNC_HOST environment variable, else the operating system's host name.
   */
  host?: string;
  defaults?: RepositorySettings;
  /**
   * The watch roots. One autosync process serves them all; roots must not lie inside one another.
   *
   * @minItems 1
   */
  repositories: [RepositoryConfig, ...RepositoryConfig[]];
  /**
   * How machines tell each other "I pushed" so the others pull at once. Without channels autosync still pulls every timers.pullInterval.
   */
  channels?: {
    /**
     * Announce pushes over XMPP: every machine logs into the same account (one resource each) and messages itself.
     */
    xmpp?: {
      jid: Jid;
      password: SecretSpec;
      /**
       * XMPP resource of this machine. Default: autosync-<host>.
       */
      resource?: string;
      /**
       * Connect directly to this server address instead of looking up DNS SRV records.
       */
      service?: string;
      caFile?: PathText1;
      alsoNotify?: JidList;
      /**
       * JIDs besides the account's own whose announcements may trigger a pull.
       */
      allowFrom?: Jid1[];
    };
    /**
     * Announce pushes over an MQTT broker.
     */
    mqtt?: {
      /**
       * Broker URL: mqtt://, mqtts://, ws:// or wss://.
       */
      url: string;
      /**
       * User name for the broker, when it requires one.
       */
      username?: string;
      password?: SecretSpec1;
      /**
       * Prefix of the topics autosync publishes and subscribes to.
       */
      topicPrefix?: string;
      caFile?: PathText2;
    };
    secret?: SecretSpec2;
    /**
     * Pulling directly from the machine that announced a push.
     */
    peers?: {
      /**
       * Fetch from the announcing machine's pullUrl first (fast on a LAN), then from the central remote.
       */
      pullFromOrigin?: boolean;
    };
  };
  /**
   * Notices for the person at this machine.
   */
  notify?: {
    /**
     * Desktop popups (notify-send, macOS notification centre, Windows toasts).
     */
    desktop?: {
      /**
       * Show desktop popups at all.
       */
      enabled?: boolean;
      /**
       * Which events get a popup. Keys left out keep their default (all true).
       */
      kinds?: {
        /**
         * After a push.
         */
        pushed?: boolean;
        /**
         * After a pull brought changes.
         */
        pulled?: boolean;
        /**
         * When a conflict was resolved by keeping both sides.
         */
        conflict?: boolean;
        /**
         * When a repository needs attention.
         */
        error?: boolean;
        /**
         * When the remote became unreachable.
         */
        offline?: boolean;
        /**
         * When the remote became reachable again.
         */
        online?: boolean;
      };
      coalesce?: DurationText5;
    };
  };
  pidfile?: PathText3;
  controlSocket?: PathText4;
}
/**
 * Settings that apply to every repository unless the repository sets the key itself. A repository's object keys (timers, ignore, …) are merged key by key with these.
 */
export interface RepositorySettings {
  recipe?: RecipeRef;
  commands?: CommandOverrides;
  env?: CommandEnv;
  timers?: Timers;
  ignore?: IgnoreSettings;
  deletionGuard?: DeletionGuard;
  largeFiles?: LargeFiles;
  watcher?: WatcherSettings;
  pipeline?: PipelineSpec;
}
/**
 * Replace single commands of the recipe with your own argv templates (same placeholders as the recipe).
 */
export interface CommandOverrides {
  [k: string]: ArgvTemplate;
}
/**
 * Environment variables added to (or replacing) the recipe's env for every command it runs, e.g. your own GIT_SSH_COMMAND.
 */
export interface CommandEnv {
  [k: string]: string;
}
/**
 * Quiet periods and intervals.
 */
export interface Timers {
  commitDelay?: DurationText;
  maxCommitDelay?: DurationText1;
  pushDelay?: DurationText2;
  pullInterval?: DurationText3;
}
/**
 * Paths that are never committed, in addition to what the recipe ignores.
 */
export interface IgnoreSettings {
  /**
   * Ignore files (gitignore syntax) relative to the repository root; the recipe adds its own (e.g. .gitignore, .hgignore).
   */
  files?: string[];
  /**
   * Extra patterns in gitignore syntax.
   */
  patterns?: string[];
}
/**
 * Pause instead of committing when one quiet period deletes a large part of the tree (an unmounted drive, a bad script).
 */
export interface DeletionGuard {
  maxShare?: ShareValue;
  /**
   * The guard only trips when at least this many files would be deleted.
   */
  minFiles?: number;
}
/**
 * What to do with files above a size limit.
 */
export interface LargeFiles {
  maxSize?: SizeText;
  /**
   * skip: leave large files out of commits; commit: commit them anyway. Either way a warning event names the file.
   */
  action?: "skip" | "commit";
}
/**
 * How file changes are noticed.
 */
export interface WatcherSettings {
  /**
   * native: @parcel/watcher (one OS watch per directory, good for big trees); chokidar: portable fallback.
   */
  backend?: "native" | "chokidar";
  rescanInterval?: DurationText4;
}
/**
 * One rule: when any trigger in `on` fires, wait `quietPeriod` after the last trigger (at most `maxWait` after the first), then do the actions in order.
 */
export interface PipelineRuleSpec {
  /**
   * Triggers that start this rule.
   *
   * @minItems 1
   */
  on: [PipelineTrigger, ...PipelineTrigger[]];
  quietPeriod?: Delay;
  maxWait?: Delay1;
  /**
   * Actions, run in order.
   *
   * @minItems 1
   */
  do: [PipelineActionSpec, ...PipelineActionSpec[]];
}
/**
 * One watch root and its settings.
 */
export interface RepositoryConfig {
  path: PathText;
  /**
   * Display name in logs, the terminal UI and `autosync status`; unique within the config. Default: the base name of path.
   */
  name?: string;
  /**
   * Identifier of this repository in announcements, the same on every machine. Default: derived from the remote URL.
   */
  repositoryId?: string;
  /**
   * This machine's own URL for this repository, announced so peers can pull from it directly (see channels.peers.pullFromOrigin).
   */
  pullUrl?: string;
  recipe?: RecipeRef1;
  commands?: CommandOverrides1;
  env?: CommandEnv1;
  timers?: Timers1;
  ignore?: IgnoreSettings1;
  deletionGuard?: DeletionGuard1;
  largeFiles?: LargeFiles1;
  watcher?: WatcherSettings1;
  pipeline?: PipelineSpec1;
}
/**
 * Overrides of single recipe commands for this repository (merged with defaults.commands).
 */
export interface CommandOverrides1 {
  [k: string]: ArgvTemplate;
}
/**
 * Overrides of defaults.env for this repository (merged variable by variable).
 */
export interface CommandEnv1 {
  [k: string]: string;
}
/**
 * Overrides of defaults.timers, key by key.
 */
export interface Timers1 {
  commitDelay?: DurationText;
  maxCommitDelay?: DurationText1;
  pushDelay?: DurationText2;
  pullInterval?: DurationText3;
}
/**
 * Overrides of defaults.ignore, key by key.
 */
export interface IgnoreSettings1 {
  /**
   * Ignore files (gitignore syntax) relative to the repository root; the recipe adds its own (e.g. .gitignore, .hgignore).
   */
  files?: string[];
  /**
   * Extra patterns in gitignore syntax.
   */
  patterns?: string[];
}
/**
 * Overrides of defaults.deletionGuard, key by key.
 */
export interface DeletionGuard1 {
  maxShare?: ShareValue;
  /**
   * The guard only trips when at least this many files would be deleted.
   */
  minFiles?: number;
}
/**
 * Overrides of defaults.largeFiles, key by key.
 */
export interface LargeFiles1 {
  maxSize?: SizeText;
  /**
   * skip: leave large files out of commits; commit: commit them anyway. Either way a warning event names the file.
   */
  action?: "skip" | "commit";
}
/**
 * Overrides of defaults.watcher, key by key.
 */
export interface WatcherSettings1 {
  /**
   * native: @parcel/watcher (one OS watch per directory, good for big trees); chokidar: portable fallback.
   */
  backend?: "native" | "chokidar";
  rescanInterval?: DurationText4;
}
