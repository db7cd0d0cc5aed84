/** USE-lite's input for a batch of texts: `indices` [N, 2] = (text, position) and `values` [N] = token ids. */
export interface SparseTokenBatch {
  indices: Int32Array;
  values: Int32Array;
  /** N: the number of (text, position) entries. */
  numTokens: number;
}

/**
 * Lays token lists out as USE-lite's sparse batch. The graph infers the batch size from the
 * largest text index present, so every text must have at least one token: a text whose list is
 * empty would vanish from the output (or, when last, shift nothing but shorten it).
 */
export function sparseTokenBatch(tokenLists: readonly (readonly number[])[]): SparseTokenBatch {
  let numTokens = 0;
  for (const tokens of tokenLists) {
    if (tokens.length === 0) throw new Error('sparseTokenBatch: every text needs at least one token');
    numTokens += tokens.length;
  }
  const indices = new Int32Array(2 * numTokens);
  const values = new Int32Array(numTokens);
  let at = 0;
  tokenLists.forEach((tokens, text) => {
    tokens.forEach((id, position) => {
      indices[2 * at] = text;
      indices[2 * at + 1] = position;
      values[at] = id;
      at++;
    });
  });
  return { indices, values, numTokens };
}
