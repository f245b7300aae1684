// The package's TypeScript entry for Pulumi's component analyzer, which reads the source (not the compiled
// dist/) when `pulumi package add` generates an SDK for another language. npm consumers load `main`.
export * from "./components";
