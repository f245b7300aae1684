/** Jest: one project for the infrastructure code, one for the reference service. */
const tsJest = ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }];

/** @type {import('jest').Config} */
module.exports = {
  // Generous bounds: the suites run Pulumi programs under mocks, which can take several seconds each on a
  // loaded two-core machine; a test that hangs still fails, just later.
  testTimeout: 60_000,
  reporters: ["default", "<rootDir>/test/harness/summaryReporter.js"],
  projects: [
    {
      displayName: "infra",
      rootDir: __dirname,
      testEnvironment: "node",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
    },
    {
      displayName: "app",
      rootDir: `${__dirname}/app`,
      testEnvironment: "node",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      transform: { "^.+\\.ts$": tsJest },
    },
  ],
};
