import { ConfigError, loadConfig } from './config.js';
import { environmentWithEnvFile } from './env-file.js';
import { StartupError, startApp } from './runtime.js';

try {
  const config = loadConfig(environmentWithEnvFile());
  const app = await startApp(config);
  // The app logs its own 'asset-audit stopped' line once everything is closed.
  const shutdown = () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
} catch (error) {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`asset-audit failed to start: ${(error as Error).message}\n`);
  }
  process.exit(1);
}
