/**
 * Reads one of the model package's `dist/` files by name (`model.json`, `group1-shard1of7`, ...,
 * `vocab.json`). In Node the default reads them from the installed package; a browser page passes
 * its own: `fetchUseLiteFiles(url)` fetches them from the page's server, or bytes it bundled.
 */
export type UseLiteFileReader = (name: string) => Promise<ArrayBuffer | Uint8Array | string>;

/** How the Node reader finds the package directory; tests replace it to simulate a missing package. */
export type PackageDirectoryResolver = (packageName: string) => Promise<string>;
