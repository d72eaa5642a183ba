module.exports = require("./nowhere.cjs");
