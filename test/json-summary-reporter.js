// Writes jest's aggregated result counts to a file, for .ci/run's closing line.
const fs = require('fs');
class JsonSummaryReporter {
  constructor(_globalConfig, options) { this.file = options.file; }
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numTotalTests, numRuntimeErrorTestSuites, numPendingTests } = results;
    fs.writeFileSync(this.file, JSON.stringify({ numPassedTests, numFailedTests, numTotalTests, numRuntimeErrorTestSuites, numPendingTests }));
  }
}
module.exports = JsonSummaryReporter;
