// Ctrl-C for long commands: the first asks the work to stop cleanly (a checkpoint is kept), the second quits at once.
export function stopOnInterrupt(message: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error(`\n${message} Press Ctrl-C again to quit at once.`);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}
