import { ApiObject } from "cdk8s";
import type { ClusterChart } from "./cluster-chart.js";
import { Layer } from "./layer.js";
import { settingOf } from "./origin.js";

export interface ClusterDocumentSet {
  /** The cluster root ("") and every layer directory. */
  dirs: string[];
  /** Every object of the chart with the directory it belongs in and the setting of the cluster file it comes from, when known. */
  documents: { dir: string; object: unknown; origin?: string }[];
}

/** Lists a cluster chart's objects with their directories (a layer's objects go to its directory) and settings (see `renderedFrom`). */
export function clusterDocuments(chart: ClusterChart): ClusterDocumentSet {
  const documents = chart.node
    .findAll()
    .filter((construct): construct is ApiObject => construct instanceof ApiObject)
    .map((object) => {
      const origin = settingOf(object);
      return { dir: Layer.of(object)?.dir ?? "", object: object.toJson() as unknown, ...(origin === undefined ? {} : { origin }) };
    });
  return { dirs: ["", ...chart.layers.map((layer) => layer.dir)], documents };
}
