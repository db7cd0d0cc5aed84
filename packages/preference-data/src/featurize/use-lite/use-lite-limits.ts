// Kept apart from the encoder so that configs (and the browser build) can name the limit without
// importing what loads the model.

/**
 * The longest input USE-lite reads: its graph keeps the first 128 tokens of each text and drops the
 * rest (the `ClipToMaxLength` block: entries at positions >= 128 are filtered out by a `Where`),
 * so a 431-token text embeds bit-for-bit like its first 128 tokens.
 */
export const USE_LITE_MAX_TOKENS = 128;
