import { tokenOfUrn } from "../../policies/resourceTypes";

describe("tokenOfUrn", () => {
  it.each([
    ["urn:pulumi:dev::web::azure-native:app:ContainerApp::web", "azure-native:app:ContainerApp"],
    ["urn:pulumi:dev::web::pulumi-aca:index:PrivateContainerApp$azure-native:network:Subnet::web-infra", "azure-native:network:Subnet"],
    ["urn:pulumi:dev::web::a:b:C$d:e:F$azure-native:network/v20240501:SecurityRule::rule", "azure-native:network/v20240501:SecurityRule"],
    ["urn:pulumi:dev::web::azure-native:app:Job::name::with::colons", "azure-native:app:Job"],
    ["urn:pulumi:dev::web::azure-native:app:Job", "azure-native:app:Job"],
  ])("reads the token of %s", (urn, token) => {
    expect(tokenOfUrn(urn)).toBe(token);
  });

  it.each([undefined, "", "urn:pulumi:dev", "urn:pulumi:dev::web", "urn:pulumi:dev::web::::name"])("has no token in %p", (urn) => {
    expect(tokenOfUrn(urn)).toBeUndefined();
  });
});
