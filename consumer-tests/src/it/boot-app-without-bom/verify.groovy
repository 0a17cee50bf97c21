// Start-up failed on our version check, naming what it found and the fix, not on a NoClassDefFoundError.
def log = new File(basedir, 'build.log').text
assert log.contains('APPLICATION FAILED TO START') : 'Spring Boot did not report a failed start-up'
assert log.contains('dev.langchain4j:langchain4j 1.12.2 is on the class path') : 'the version found is not named'
assert log.contains('langchain4j-parallel-bom') : 'the fix (import the BOM) is not named'
assert !log.contains('NoClassDefFoundError') : 'start-up died on a missing class before the version check'
