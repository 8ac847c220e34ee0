// Runs the browser mode until Ctrl-C: what `plasticity serve` and `npm start` (without Electron) call.
import { startBrowserApp, type BrowserAppOptions } from './browser-app.ts';
import { openInBrowser } from './open-browser.ts';

export interface ServeOptions extends BrowserAppOptions {
  open?: boolean;
}

export async function serveUntilInterrupted(options: ServeOptions): Promise<void> {
  let app;
  try {
    app = await startBrowserApp(options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${options.port} is already in use. Pass --port 0 to use any free port, or choose another.`);
    }
    throw error;
  }
  console.log(`Plasticity Studio is running in browser mode at\n\n  ${app.server.url}\n`);
  console.log('Only this machine can connect, and only with the token above. Press Ctrl-C to quit.');
  if (options.open) openInBrowser(app.server.url);
  await new Promise<void>((resolve) => {
    let quitting = false;
    const quit = async () => {
      if (quitting) process.exit(130); // a second Ctrl-C quits at once
      quitting = true;
      console.log('\nStopping: active runs write their checkpoints first …');
      await app!.training.shutdown();
      await app!.close();
      resolve();
    };
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
  });
}
