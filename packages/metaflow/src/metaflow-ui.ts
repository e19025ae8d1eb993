import * as k8s from "cdk8s-plus-28/lib/imports/k8s.js";
import { Construct } from "constructs";
import type { PlatformReleaseValue } from "@flotilla/fleet/platform";
import type { MetaflowSpec } from "./model/spec.js";
import {
  METAFLOW_UI,
  METAFLOW_UI_BROWSER_BACKEND_URL,
  METAFLOW_UI_SERVICE_ACCOUNT,
  metaflowUiBackendEnv,
  metaflowUiBackendImage,
  metaflowUiSelector,
} from "./model/ui.js";

/** Props of {@link MetaflowUi}. */
export interface MetaflowUiProps {
  /** The validated `platforms.metaflow`: namespace, datastore, database. */
  readonly metaflow: MetaflowSpec;
  /** The values the cluster sets into the metaflow HelmRelease (an automated `metaflow-service.image` moves the backend too). */
  readonly values: readonly PlatformReleaseValue[];
  /** The workload identity pod labels (`azure.workload.identity/use: "true"`), for the backend. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * The Metaflow UI (the chart's metaflow-ui 0.3.2 subchart, which helm-controller cannot install:
 * see the package README), rendered by flotilla with the chart's names, selectors, images,
 * commands, ports, probes and environment: the backend (Deployment and Service
 * `metaflow-metaflow-ui`, port 8083) with workload identity as ServiceAccount `metaflow-ui`, and
 * the static UI (Deployment and Service `metaflow-metaflow-ui-static`, port 3000), which calls no
 * API itself and mounts no ServiceAccount token.
 *
 * @see https://github.com/outerbounds/metaflow-tools/tree/master/charts/metaflow/charts/metaflow-ui
 */
export class MetaflowUi extends Construct {
  public readonly backend: k8s.KubeDeployment;
  public readonly staticUi: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, props: MetaflowUiProps) {
    super(scope, id);
    const namespace = props.metaflow.namespace;
    const http = k8s.IntOrString.fromString("http");
    const labels = (component: "backend" | "static") => ({ ...metaflowUiSelector(component), "app.kubernetes.io/version": METAFLOW_UI.appVersion });

    this.backend = new k8s.KubeDeployment(this, "backend", {
      metadata: { name: METAFLOW_UI.backend, namespace, labels: labels("backend") },
      spec: {
        replicas: 1,
        selector: { matchLabels: metaflowUiSelector("backend") },
        template: {
          metadata: { labels: { ...metaflowUiSelector("backend"), ...props.podLabels } },
          spec: {
            serviceAccountName: METAFLOW_UI_SERVICE_ACCOUNT,
            containers: [
              {
                name: METAFLOW_UI.backendContainer,
                image: metaflowUiBackendImage(props.values),
                command: ["/opt/latest/bin/python3", "-m", "services.ui_backend_service.ui_server"],
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: METAFLOW_UI.backendPort, protocol: "TCP" }],
                livenessProbe: { httpGet: { path: "/api/ping", port: http } },
                readinessProbe: { httpGet: { path: "/api/ping", port: http } },
                env: metaflowUiBackendEnv(props.metaflow),
              },
            ],
          },
        },
      },
    });
    service(this, "backend-service", "backend", namespace, labels("backend"));

    this.staticUi = new k8s.KubeDeployment(this, "static", {
      metadata: { name: METAFLOW_UI.static, namespace, labels: labels("static") },
      spec: {
        replicas: 1,
        selector: { matchLabels: metaflowUiSelector("static") },
        template: {
          metadata: { labels: metaflowUiSelector("static") },
          spec: {
            // The chart runs it as the UI's ServiceAccount; it serves files and needs no API token.
            automountServiceAccountToken: false,
            containers: [
              {
                name: METAFLOW_UI.staticContainer,
                image: METAFLOW_UI.staticImage,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: METAFLOW_UI.staticPort, protocol: "TCP" }],
                livenessProbe: { httpGet: { path: "/", port: http } },
                readinessProbe: { httpGet: { path: "/", port: http } },
                env: [{ name: "METAFLOW_SERVICE", value: METAFLOW_UI_BROWSER_BACKEND_URL }],
              },
            ],
          },
        },
      },
    });
    service(this, "static-service", "static", namespace, labels("static"));
  }
}

/** The chart's Service of a component: ClusterIP, port `http` to the pods' `http`, in the Metaflow namespace. */
function service(scope: Construct, id: string, component: "backend" | "static", namespace: string, labels: Record<string, string>): k8s.KubeService {
  const [name, port] = component === "backend" ? [METAFLOW_UI.backend, METAFLOW_UI.backendPort] : [METAFLOW_UI.static, METAFLOW_UI.staticPort];
  return new k8s.KubeService(scope, id, {
    metadata: { name, namespace, labels },
    spec: {
      type: "ClusterIP",
      ports: [{ port, targetPort: k8s.IntOrString.fromString("http"), protocol: "TCP", name: "http" }],
      selector: metaflowUiSelector(component),
    },
  });
}
