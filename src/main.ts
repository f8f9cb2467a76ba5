import { createServer } from 'node:http';
import { ConfigError, configuredProviders, loadConfig } from './config.js';
import { startEmulators, type EmulatorSet } from './emulators/index.js';
import { createGraph } from './yoga.js';

/** Process entry: configuration, emulators when nothing is configured, the listener. */
async function main(): Promise<void> {
  let config = loadConfig(process.env);
  let emulators: EmulatorSet | null = null;
  if (configuredProviders(config).length === 0) {
    emulators = await startEmulators();
    config = loadConfig({ ...process.env, ...emulators.env });
    console.log(`No provider configured: started the built-in emulators of ${configuredProviders(config).join(', ')} on loopback with demo data.`);
  }
  const graph = createGraph(config);
  const server = createServer(graph.yoga);
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`Conversations graph serving ${configuredProviders(config).join(', ')}`);
  console.log(`GraphiQL and the API: http://localhost:${port}/graphql`);
  const stop = (): void => {
    server.close();
    void Promise.all([graph.close(), emulators?.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
