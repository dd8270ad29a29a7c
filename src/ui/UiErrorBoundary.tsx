import { Text, useInput } from "ink";
import { Component, type ReactNode } from "react";
import { uiMessages } from "../messages/ui-messages.js";

interface Props {
  children: ReactNode;
  onQuit: () => void;
  onError?: (error: Error) => void;
}

/**
 * A bug in a component must never stop syncing: the UI collapses to one line that still
 * answers q / Ctrl+C, and the daemon keeps running under it.
 */
export class UiErrorBoundary extends Component<Props, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error): void {
    this.props.onError?.(error);
  }

  override render(): ReactNode {
    if (this.state.error)
      return <CrashedView message={this.state.error.message} onQuit={this.props.onQuit} />;
    return this.props.children;
  }
}

function CrashedView({ message, onQuit }: { message: string; onQuit: () => void }) {
  useInput((input, key) => {
    if (input === "q" || (key.ctrl && input === "c")) onQuit();
  });
  return <Text>{uiMessages.uiCrashed(message)}</Text>;
}
