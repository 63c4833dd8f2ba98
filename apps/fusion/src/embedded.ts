// The CLI loads the embedded deployment from here at run time (apps do not import apps); it lives in
// @fusion/composition.
export { startEmbedded, type EmbeddedHandle, type EmbeddedOptions } from '@fusion/composition';
