"""viewflow Flow classes and their Process proxies: report-up and return-down today; bulk
export, merge and transfer join them with their issues."""
