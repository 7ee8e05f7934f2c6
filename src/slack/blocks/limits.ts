/** Slack's Block Kit limits, in one place, with our own safety margins where Slack is vague. */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  /** Slack rejects `blocks` somewhere above ~13,000 serialized characters (msg_blocks_too_long). */
  blocksJson: 12_000,
  /** `text` is the notification fallback; Slack truncates long ones. */
  fallbackText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  privateMetadata: 3000,
} as const;
