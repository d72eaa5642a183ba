throw new Error("main broke at boot");
