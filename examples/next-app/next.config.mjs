/** @type {import('next').NextConfig} */
const config = {
  // The default for the App Router, said here because the app is tested with it: React runs effects twice
  // in development, which must neither start a second job nor a second poller.
  reactStrictMode: true,
  // Loaded by Node at run time (the emulator only without a key, PGlite only without DATABASE_URL), not
  // bundled into the routes: PGlite reads its WebAssembly and data files from its own package folder.
  serverExternalPackages: ['@sora-kit/emulator', '@electric-sql/pglite'],
  poweredByHeader: false,
  // `pnpm typecheck` (part of `pnpm test`) runs tsc on the app; the build does not run it a second time.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // turbo caches `.next` (see turbo.json): Turbopack's own build cache would only cost time writing it.
    turbopackFileSystemCacheForBuild: false,
  },
};

export default config;
