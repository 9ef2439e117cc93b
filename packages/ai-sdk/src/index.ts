export type { SoraOperation, SoraPollOptions, SoraVideoModelOptions } from './options.js';
export { createSora, type SoraProvider, type SoraProviderSettings, sora } from './sora-provider.js';
export { SoraVideoModel, type SoraVideoModelId } from './sora-video-model.js';
