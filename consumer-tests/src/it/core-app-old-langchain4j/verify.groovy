// The first ParallelTools failed on our version check, naming what it found and the fix, not on a missing class.
def log = new File(basedir, 'build.log').text
assert log =~ /langchain4j-parallel \S+ needs LangChain4j \d+\.\d+\.\d+ or newer/ : 'the application did not fail on the version check'
assert log.contains('dev.langchain4j:langchain4j 1.16.3 is on the class path') : 'the version found is not named'
assert log.contains('langchain4j-parallel-bom') : 'the fix (import the BOM) is not named'
assert !log.contains('NoClassDefFoundError') : 'the application died on a missing class before the version check'
assert !log.contains('notes: installed') : 'the library let itself be installed on LangChain4j 1.16.3'
