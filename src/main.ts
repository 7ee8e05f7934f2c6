import { ConfigError, loadConfig } from './config.js';
import { environmentWithEnvFile } from './env-file.js';
import { StartupError, startApp } from './runtime.js';

try {
  const config = loadConfig(environmentWithEnvFile());
  const app = await startApp(config);
  const shutdown = (signal: string) => {
    process.stderr.write(`${signal} received, stopping…\n`);
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`asset-audit failed to start: ${(error as Error).message}\n`);
  }
  process.exit(1);
}
