/// <reference types="node" />
// @sora-kit/core/node: what needs Node's file system. The main entry stays web-standard.
export {
  DownloadError,
  type DownloadErrorCode,
  type DownloadProgress,
  type DownloadResult,
  type DownloadToFileOptions,
  downloadToFile,
} from './download-to-file.js';
export { findPartialDownloads } from './partial-files.js';
export { nodeFetch } from './transport.js';
