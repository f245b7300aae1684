import { Lifecycle } from "../src/lifecycle";

describe("Lifecycle", () => {
  it("starts in 'starting', becomes ready, then drains", () => {
    const lifecycle = new Lifecycle();
    expect(lifecycle.phase).toBe("starting");
    lifecycle.markReady();
    expect([lifecycle.phase, lifecycle.draining]).toEqual(["ready", false]);
    lifecycle.beginDrain();
    expect([lifecycle.phase, lifecycle.draining]).toEqual(["draining", true]);
  });

  it("closes connections only while draining, and only when told", () => {
    const lifecycle = new Lifecycle();
    lifecycle.markReady();
    lifecycle.setClosesConnections(true);
    expect(lifecycle.closesConnections).toBe(false);
    lifecycle.beginDrain();
    expect(lifecycle.closesConnections).toBe(false);
    lifecycle.setClosesConnections(true);
    expect(lifecycle.closesConnections).toBe(true);
    lifecycle.setClosesConnections(false);
    expect(lifecycle.closesConnections).toBe(false);
  });

  it("never becomes ready again once draining", () => {
    const lifecycle = new Lifecycle();
    lifecycle.beginDrain();
    lifecycle.markReady();
    expect(lifecycle.phase).toBe("draining");
  });
});
