throw new Error("broken at boot");
