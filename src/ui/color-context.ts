import { createContext, useContext } from "react";

/** Off when NO_COLOR is set (https://no-color.org): components then pass no colour or style. */
export const ColorContext = createContext(true);

export interface Paint {
  /** The colour when colours are on, else undefined (Ink then writes no escape code). */
  color(name: string): string | undefined;
  enabled: boolean;
}

export function usePaint(): Paint {
  const enabled = useContext(ColorContext);
  return { enabled, color: (name) => (enabled ? name : undefined) };
}

/** Whether colours are allowed by the environment: NO_COLOR set to anything non-empty turns them off. */
export function colorsAllowed(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR;
}
