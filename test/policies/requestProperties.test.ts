import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { convertPropertiesOnce } from "../../policies/requestProperties";
import { containerApp } from "./fixtures";
import { analyze, named } from "./server";
import { mutate } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the server's own deserializer, as it calls it for every policy
const { deserializeProperties } = require("@pulumi/policy/deserialize") as { deserializeProperties: (struct: Struct, proxySecrets: boolean) => Record<string, unknown> };

type Message = { setProperties(struct: Struct): void; getProperties(): Struct | undefined };

const messages: [string, () => Message][] = [
  ["an Analyze request", () => new analyzerProto.AnalyzeRequest()],
  ["a resource of an AnalyzeStack request", () => new analyzerProto.AnalyzerResource()],
  ["a resource's provider", () => new analyzerProto.AnalyzerProviderResource()],
];

describe("properties converted from protobuf once per message", () => {
  beforeAll(() => convertPropertiesOnce());
  afterEach(() => jest.restoreAllMocks());

  it.each(messages)("converts the properties of %s once, however many policies read them", (_, create) => {
    const message = create();
    message.setProperties(Struct.fromJavaScript({ containerAppName: "web", template: { containers: [{ image: "nginx" }] } }));
    const conversion = jest.spyOn(Struct.prototype, "toJavaScript");
    const copies = [1, 2, 3].map(() => deserializeProperties(message.getProperties()!, false));
    // Nested objects are Structs too: count the conversions of the properties themselves.
    expect(conversion.mock.contexts.filter((struct) => struct === message.getProperties())).toHaveLength(1);
    expect(copies[1]).toEqual({ containerAppName: "web", template: { containers: [{ image: "nginx" }] } });
    expect(copies[2]).toEqual(copies[1]);
  });

  it("still gives every policy a copy of its own, so one policy's change is not seen by the next", () => {
    const request = new analyzerProto.AnalyzeRequest();
    request.setProperties(Struct.fromJavaScript({ configuration: { ingress: { allowInsecure: false } } }));
    const first = deserializeProperties(request.getProperties()!, false) as { configuration: { ingress: { allowInsecure: boolean } } };
    first.configuration.ingress.allowInsecure = true;
    expect(deserializeProperties(request.getProperties()!, false)).toEqual({ configuration: { ingress: { allowInsecure: false } } });
  });

  it("converts properties set again anew", () => {
    const request = new analyzerProto.AnalyzeRequest();
    request.setProperties(Struct.fromJavaScript({ registryName: "first" }));
    expect(deserializeProperties(request.getProperties()!, false)).toEqual({ registryName: "first" });
    request.setProperties(Struct.fromJavaScript({ registryName: "second" }));
    expect(deserializeProperties(request.getProperties()!, false)).toEqual({ registryName: "second" });
  });

  it("leaves the verdicts as they were: each rule of a container app judges the same properties", async () => {
    const insecure = mutate(containerApp, (p) => ((p.configuration.ingress.allowInsecure = true), (p.template.containers[0].image = "nginx:latest")));
    expect(named(await analyze("azure-native:app:ContainerApp", insecure), "mandatory")).toEqual(expect.arrayContaining(["aca-image-no-latest-tag", "aca-ingress-https-only"]));
    expect(named(await analyze("azure-native:app:ContainerApp", containerApp), "mandatory")).toEqual([]);
  });
});
