export { ClusterChart, type ClusterChartProps, fleetSourceName } from "./cluster-chart.js";
export { clusterDocuments, type ClusterDocumentSet } from "./cluster-documents.js";
export { Layer, type LayerProps } from "./layer.js";
export { SOPS_AGE_SECRET, sopsDecryption } from "./sops-decryption.js";
export {
  FLUX_SYSTEM_PATCHES_DIR,
  fluxControllerPatches,
  IMAGE_UPDATE_AUTOMATION_NAME,
  renderFluxSources,
  renderImageAutomation,
  renderImagePolicies,
  renderNotifications,
} from "./flux-azure.js";
export { type PlatformValue, setPlatformValues } from "./platform-values.js";
