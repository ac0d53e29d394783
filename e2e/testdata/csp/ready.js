window.sdkReady = new Promise((resolve) => { window.markReady = resolve; });
