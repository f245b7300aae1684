import * as pulumi from "@pulumi/pulumi";

/** The value when the program already knows it (a plain value, not an Output or a Promise). */
export function knownValue<T>(value: pulumi.Input<T> | undefined): T | undefined {
  if (value === undefined || pulumi.Output.isInstance(value) || value instanceof Promise) return undefined;
  return value as T;
}

/**
 * Runs `check` on a value now when it is known, so a bad value is refused before anything is registered, or
 * inside `apply` once it is known (a stack reference, another resource's output), with the same error. Returns
 * the value to use: the same plain value, or an Output that fails with the check's error.
 */
export function checkedInput<T>(value: pulumi.Input<T>, check: (resolved: T) => void): pulumi.Input<T> {
  const known = knownValue(value);
  if (known !== undefined) {
    check(known);
    return known;
  }
  return pulumi.output(value).apply((resolved) => {
    // Unknown during a preview: there is nothing to check yet.
    if (resolved !== undefined) check(resolved as T);
    return resolved;
  }) as pulumi.Input<T>;
}

/**
 * Runs `check` now when the value is known and does nothing otherwise: for the checks that run before anything
 * is registered. Where the value is used, {@link checkedInput} checks one known only later, with the same error.
 */
export function checkIfKnown<T>(value: pulumi.Input<T> | undefined, check: (resolved: T) => void): void {
  const known = knownValue(value);
  if (known !== undefined) check(known);
}
