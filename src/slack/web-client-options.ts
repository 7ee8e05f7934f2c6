import type { webApi } from '@slack/bolt';

/**
 * The SDK's defaults retry for about half an hour and wait out 429s silently, which would hang
 * an interactive answer: fail fast and let our code decide what to do with a rate limit.
 */
export function webClientOptions(slackApiUrl: string): webApi.WebClientOptions {
  return {
    slackApiUrl,
    timeout: 5_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000, randomize: true },
    rejectRateLimitedCalls: true,
  };
}
