import { NAME_RULES, ResourceKind, checkName, generateName, isValidName, shortHash } from "../../components/naming";
import { ValidationError } from "../../components/validation";

const KINDS = Object.keys(NAME_RULES) as ResourceKind[];

const ODD_BASES = [
  "web",
  "a",
  "",
  "   ",
  "---",
  "9lives",
  "123",
  "My_Service.v2",
  "UPPER-case",
  "with spaces and\ttabs",
  "café-crème",
  "Ωmega-σ",
  "日本語サービス",
  "🚀🚀",
  "a--b__c..d",
  "-leading-and-trailing-",
  "x".repeat(40),
  "payments-".repeat(20),
  "a1".repeat(200),
  "name/with\\slashes?and%percent&amp",
  "trailing.",
];

describe("generated names", () => {
  it.each(KINDS)("are valid %s names for every odd base name", (kind) => {
    for (const base of ODD_BASES) {
      const name = generateName(kind, base, { uniqueSeed: `project/stack/${base}` });
      expect({ base, name, valid: isValidName(kind, name) }).toEqual({ base, name, valid: true });
    }
  });

  it.each(KINDS)("are the same every time for the same %s base and seed", (kind) => {
    for (const base of ODD_BASES) {
      expect(generateName(kind, base, { uniqueSeed: "p/s/web" })).toBe(generateName(kind, base, { uniqueSeed: "p/s/web" }));
    }
  });

  it.each(KINDS)("are valid %s names for 500 random strings of any characters and length", (kind) => {
    let state = 42;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const alphabet = ["a", "Z", "0", "9", "-", "_", ".", " ", "é", "ß", "Ω", "字", "🚀", "/", "%", "\u0301"];
    for (let round = 0; round < 500; round++) {
      const length = next() % 120;
      const base = Array.from({ length }, () => alphabet[next() % alphabet.length]).join("");
      const name = generateName(kind, base, { uniqueSeed: base });
      expect({ base, name, valid: isValidName(kind, name) }).toEqual({ base, name, valid: true });
    }
  });

  it("keep two long names that share a prefix apart after shortening", () => {
    const first = generateName("containerApp", `${"orders-".repeat(6)}east`);
    const second = generateName("containerApp", `${"orders-".repeat(6)}west`);
    expect(first).not.toBe(second);
    expect(first.length).toBeLessThanOrEqual(32);
  });

  it("keep two names made only of symbols apart", () => {
    expect(generateName("managedEnvironment", "🚀")).not.toBe(generateName("managedEnvironment", "🛸"));
  });

  it("read as the abbreviation followed by the base for ordinary names", () => {
    expect(generateName("containerApp", "web")).toBe("ca-web");
    expect(generateName("managedEnvironment", "web")).toBe("cae-web");
    expect(generateName("logAnalyticsWorkspace", "web")).toBe("log-web");
    expect(generateName("resourceGroup", "Web App")).toBe("rg-web-app");
    expect(generateName("imageRepository", "web")).toBe("web");
  });

  it("give globally unique kinds a suffix from the seed, so two stacks get different registries", () => {
    const dev = generateName("containerRegistry", "web", { uniqueSeed: "pulumi-aca/dev/web" });
    const prod = generateName("containerRegistry", "web", { uniqueSeed: "pulumi-aca/prod/web" });
    expect(dev).toBe(`crweb${shortHash("pulumi-aca/dev/web")}`);
    expect(dev).not.toBe(prod);
    expect(generateName("storageAccount", "web", { uniqueSeed: "a" })).toMatch(/^stweb[0-9a-f]{6}$/);
    expect(generateName("keyVault", "web", { uniqueSeed: "a" })).toMatch(/^kv-web-[0-9a-f]{6}$/);
  });

  it("carry the stack for kinds unique only within a subscription, so two stacks never collide", () => {
    expect(generateName("resourceGroup", "web", { stack: "dev" })).toBe("rg-web-dev");
    expect(generateName("containerApp", "web", { stack: "prod" })).toBe("ca-web-prod");
    for (const kind of KINDS.filter((candidate) => !NAME_RULES[candidate].globallyUnique)) {
      expect(generateName(kind, "web", { stack: "dev" })).not.toBe(generateName(kind, "web", { stack: "prod" }));
    }
    // A long stack name still gives a valid, distinct name.
    const long = "feature-very-long-branch-name-for-a-preview-environment";
    expect(isValidName("containerApp", generateName("containerApp", "web", { stack: long }))).toBe(true);
    expect(generateName("containerApp", "web", { stack: long })).not.toBe(generateName("containerApp", "web", { stack: `${long}-2` }));
    // Globally unique kinds take the stack from the seed instead.
    expect(generateName("containerRegistry", "web", { stack: "dev", uniqueSeed: "s" })).toBe(generateName("containerRegistry", "web", { uniqueSeed: "s" }));
  });

  it("strip accents rather than drop the letters", () => {
    expect(generateName("containerApp", "café")).toBe("ca-cafe");
  });

  it("start with a letter even when the base starts with a digit", () => {
    expect(generateName("containerApp", "9lives")).toBe("ca-9lives");
    expect(generateName("imageRepository", "9lives")).toBe("x9lives");
  });
});

describe("name rules", () => {
  const cases: Array<[ResourceKind, string, boolean]> = [
    ["containerRegistry", "abcd", false],
    ["containerRegistry", "abcde", true],
    ["containerRegistry", "a".repeat(50), true],
    ["containerRegistry", "a".repeat(51), false],
    ["containerRegistry", "my-registry", false],
    ["containerApp", "a", false],
    ["containerApp", "ab", true],
    ["containerApp", "a".repeat(32), true],
    ["containerApp", "a".repeat(33), false],
    ["containerApp", "Web", false],
    ["containerApp", "1web", false],
    ["containerApp", "web-", false],
    ["containerApp", "we--b", false],
    ["containerApp", "we-b2", true],
    ["managedEnvironment", "a".repeat(60), true],
    ["managedEnvironment", "a".repeat(61), false],
    ["logAnalyticsWorkspace", "abc", false],
    ["logAnalyticsWorkspace", "abcd", true],
    ["logAnalyticsWorkspace", "a".repeat(63), true],
    ["logAnalyticsWorkspace", "a".repeat(64), false],
    ["logAnalyticsWorkspace", "-abcd", false],
    ["keyVault", "kv", false],
    ["keyVault", "kv-web", true],
    ["keyVault", "a".repeat(25), false],
    ["keyVault", "1kv", false],
    ["storageAccount", "stWeb", false],
    ["storageAccount", "stweb", true],
    ["resourceGroup", "rg-web", true],
    ["resourceGroup", "rg.", false],
    ["resourceGroup", "a".repeat(91), false],
    ["resourceGroup", "rg(web)_1", true],
    ["userAssignedIdentity", "id", false],
    ["userAssignedIdentity", "id_web-1", true],
    ["userAssignedIdentity", "_id", false],
    ["applicationInsights", "appi web", true],
    ["applicationInsights", "appi/web", false],
    ["applicationInsights", "appi.", false],
    ["imageRepository", "team/web", true],
    ["imageRepository", "Team/web", false],
    ["imageRepository", "web-", false],
  ];

  it.each(cases)("judge the %s name %j valid: %s", (kind, name, valid) => {
    expect(isValidName(kind, name)).toBe(valid);
  });

  it("throw an error that names the field, the value and the rule", () => {
    expect(() => checkName("containerApp", "names.containerApp", "Bad_Name")).toThrow(ValidationError);
    expect(() => checkName("containerApp", "names.containerApp", "Bad_Name")).toThrow(
      'Invalid `names.containerApp`: "Bad_Name"; a containerApp name must be 2-32 lowercase letters, digits and hyphens',
    );
  });
});
