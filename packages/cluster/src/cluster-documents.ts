import { ApiObject } from "cdk8s";
import type { ClusterChart } from "./cluster-chart.js";
import { Layer } from "./layer.js";

export interface ClusterDocumentSet {
  /** The cluster root ("") and every layer directory. */
  dirs: string[];
  /** Every object of the chart with the directory it belongs in. */
  documents: { dir: string; object: unknown }[];
}

/** Lists a cluster chart's objects with their directories: a layer's objects go to its directory. */
export function clusterDocuments(chart: ClusterChart): ClusterDocumentSet {
  const documents = chart.node
    .findAll()
    .filter((construct): construct is ApiObject => construct instanceof ApiObject)
    .map((object) => ({ dir: Layer.of(object)?.dir ?? "", object: object.toJson() as unknown }));
  return { dirs: ["", ...chart.layers.map((layer) => layer.dir)], documents };
}
