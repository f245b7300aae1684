import { ContainerAppService, ContainerAppsPlatform } from "pulumi-aca";

// What the team's services share: one resource group, Log Analytics and App Insights, one registry and one
// environment (with a Dedicated profile for the worker). The services below never create any of these.
const platform = new ContainerAppsPlatform("team", {
  workloadProfiles: [{ name: "batch", workloadProfileType: "D4", minimumCount: 0, maximumCount: 2 }],
});

// Reachable only from inside the environment. Other apps call it through their Dapr sidecar:
// POST http://localhost:3500/v1.0/invoke/orders/method/<path>.
const orders = new ContainerAppService("orders", {
  platform,
  ingress: "internal",
  dapr: { appId: "orders" },
});

// The public entry point, running the image the orders service built (the same registry, pulled by digest
// with the API's own identity). It finds orders by its Dapr app id.
const api = new ContainerAppService("api", {
  platform,
  ingress: "external",
  image: orders.imageRef,
  dapr: { appId: "api" },
  env: { ORDERS_APP_ID: "orders" },
  minReplicas: 1,
});

// No endpoint at all: a background worker on the Dedicated profile, one replica always running.
const worker = new ContainerAppService("worker", {
  platform,
  ingress: "none",
  image: orders.imageRef,
  workloadProfileName: "batch",
  minReplicas: 1,
  maxReplicas: 1,
});

export const apiUrl = api.url;
export const ordersFqdn = orders.fqdn;
export const workerName = worker.containerAppName;
export const environmentId = platform.environmentId;
export const registryLoginServer = platform.registryLoginServer;
