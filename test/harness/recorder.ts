// The recorder, mocks and policy runner ship with the package (plan/); tests use them from here.
export * from "../../plan/recorder";
