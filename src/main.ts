import { ConfigError, configuredProviders, loadConfig } from './config.js';
import type { EmulatorSet } from './emulators/index.js';
import { startServer } from './server.js';
import { createGraph } from './yoga.js';

/** Process entry: configuration, emulators when nothing is configured, the listener, the graceful stop. */
async function main(): Promise<void> {
  let config = loadConfig(process.env);
  let emulators: EmulatorSet | null = null;
  if (configuredProviders(config).length === 0) {
    if (config.operations.production) {
      throw new ConfigError(['no vendor is configured: set at least one <PROVIDER>_BASE_URL (the demo emulators run only outside NODE_ENV=production)']);
    }
    // The demo's emulators are loaded only now: a configured graph never loads them.
    const [{ startEmulators }, { DEMO_LIVE_RATE, readLiveRate }] = await Promise.all([import('./emulators/index.js'), import('./emulators/options.js')]);
    let liveRatePerMinute: number;
    try {
      liveRatePerMinute = readLiveRate(process.env, DEMO_LIVE_RATE);
    } catch (error) {
      throw new ConfigError([(error as Error).message]);
    }
    emulators = await startEmulators({ liveRatePerMinute });
    config = loadConfig({ ...process.env, ...emulators.env });
  }
  const graph = createGraph(config);
  const { logger } = graph.observability;
  if (emulators) logger.info({ providers: configuredProviders(config) }, 'no provider configured: started the built-in emulators on loopback with demo data');
  const running = await startServer(graph, config);

  const stop = (signal: NodeJS.Signals): void => {
    // npm forwards the terminal's SIGINT, so a second one is usual: the drain already running answers both.
    logger.info({ signal }, 'stop requested');
    void running
      .drain()
      .then(() => emulators?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Only now: whoever waits for this line may signal at once.
  logger.info(
    { url: running.url, port: running.port, providers: configuredProviders(config), production: config.operations.production, graphiql: config.operations.graphiql },
    `serving the graph at ${running.url}${config.operations.graphiql ? ' (GraphiQL at the same URL)' : ''}`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
