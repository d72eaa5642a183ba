console.log("toplevel-throws: top level ran");
throw new Error("this module never boots");
