import { describe, expect, it } from "vitest";
import { controllerRoleAssignments, KARPENTER_CHART, SelfHostedKarpenter, type SelfHostedKarpenterProps, selfHostedProblems } from "../src/index.js";
import { expectValid, only, synth } from "./support/validate.js";

const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
const SUBNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-dev_dev_westeurope/providers/Microsoft.Network/virtualNetworks/aks-vnet-1234/subnets/aks-subnet`;
const props: SelfHostedKarpenterProps = {
  subscriptionId: SUBSCRIPTION,
  location: "westeurope",
  defaultClusterName: "dev",
  clusterEndpoint: "https://dev-rg-dev-0b1f64-a1b2c3d4.hcp.westeurope.azmk8s.io:443",
  nodeResourceGroup: "MC_rg-dev_dev_westeurope",
  vnetSubnetID: SUBNET,
  sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
};

describe("SelfHostedKarpenter", () => {
  it("renders the provider's chart (OCIRepository pinned to the release) and its HelmRelease, valid against the Flux CRDs", () => {
    const manifests = synth((chart) => new SelfHostedKarpenter(chart, props));
    expectValid(manifests);
    const source = only(manifests, "OCIRepository");
    expect(source.metadata).toEqual({ name: "karpenter", namespace: "flux-system" });
    expect(source.spec).toMatchObject({
      url: "oci://mcr.microsoft.com/aks/karpenter/karpenter",
      ref: { tag: KARPENTER_CHART.version },
      layerSelector: { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", operation: "copy" },
    });
    const release = only(manifests, "HelmRelease");
    expect(release.spec).toMatchObject({
      targetNamespace: "kube-system",
      releaseName: "karpenter",
      chartRef: { kind: "OCIRepository", name: "karpenter" },
      // The chart installs the NodePool, NodeClaim and AKSNodeClass CRDs.
      install: { crds: "CreateReplace" },
      upgrade: { crds: "CreateReplace" },
    });
  });

  it("values: workload identity (ServiceAccount not created by the chart, pod label), settings, the Azure environment, the token from a Secret", () => {
    const release = only(synth((chart) => new SelfHostedKarpenter(chart, { ...props, kubeletIdentity: { resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-dev_dev_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/dev-agentpool`, clientId: "3f9e2c1a-0b4d-4e8f-9a7c-5d6e1f2a3b4c" } })), "HelmRelease");
    expect(release.spec.values).toEqual({
      replicas: 2,
      serviceAccount: { create: false, name: "karpenter-sa" },
      podLabels: { "azure.workload.identity/use": "true" },
      settings: { clusterName: "dev", clusterEndpoint: props.clusterEndpoint },
      controller: {
        env: [
          { name: "ARM_SUBSCRIPTION_ID", value: SUBSCRIPTION },
          { name: "LOCATION", value: "westeurope" },
          { name: "AZURE_NODE_RESOURCE_GROUP", value: "MC_rg-dev_dev_westeurope" },
          { name: "VNET_SUBNET_ID", value: SUBNET },
          { name: "NETWORK_PLUGIN", value: "azure" },
          { name: "NETWORK_PLUGIN_MODE", value: "overlay" },
          { name: "NETWORK_POLICY", value: "" },
          { name: "NETWORK_DATAPLANE", value: "cilium" },
          { name: "SSH_PUBLIC_KEY", value: props.sshPublicKey },
          { name: "NODE_IDENTITIES", value: `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-dev_dev_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/dev-agentpool` },
          { name: "KUBELET_IDENTITY_CLIENT_ID", value: "3f9e2c1a-0b4d-4e8f-9a7c-5d6e1f2a3b4c" },
        ],
        envFrom: [{ secretRef: { name: "karpenter-bootstrap-token" } }],
      },
    });
    expect(JSON.stringify(release)).not.toContain("KUBELET_BOOTSTRAP_TOKEN");
  });

  it("rejects settings the controller cannot start with, naming each field", () => {
    const bad = { ...props, clusterEndpoint: "dev.hcp.westeurope.azmk8s.io", vnetSubnetID: "aks-subnet", sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----", chartVersion: ">=1.0.0", replicas: 0 };
    expect(selfHostedProblems(bad).map((problem) => problem.path.join("."))).toEqual(["clusterEndpoint", "vnetSubnetID", "sshPublicKey", "chartVersion", "replicas"]);
    expect(() => synth((chart) => new SelfHostedKarpenter(chart, bad))).toThrow(/^SelfHostedKarpenter: clusterEndpoint: expected the API server URL "https:\/\/<fqdn>:443"/);
    expect(() => synth((chart) => new SelfHostedKarpenter(chart, { ...props, sshPublicKey: "ssh-rsa AAAA key\nssh-rsa BBBB" }))).toThrow(/sshPublicKey: expected an OpenSSH public key on one line/);
  });
});

describe("controllerRoleAssignments", () => {
  it("the install guide's three roles on the node resource group", () => {
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-dev_dev_westeurope`;
    expect(controllerRoleAssignments(SUBSCRIPTION, { nodeResourceGroup: "MC_rg-dev_dev_westeurope", vnetSubnetID: SUBNET }).map(({ role, scope }) => [role, scope])).toEqual([
      ["Virtual Machine Contributor", group],
      ["Network Contributor", group],
      ["Managed Identity Operator", group],
    ]);
  });

  it("Network Contributor on each custom virtual network outside the node resource group, once", () => {
    const vnet = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub`;
    const roles = controllerRoleAssignments(SUBSCRIPTION, { nodeResourceGroup: "MC_rg-dev_dev_westeurope", vnetSubnetID: `${vnet}/subnets/nodes` }, [`${vnet}/subnets/gpu`, SUBNET]);
    expect(roles.slice(3).map(({ role, scope }) => [role, scope])).toEqual([["Network Contributor", vnet]]);
  });
});
