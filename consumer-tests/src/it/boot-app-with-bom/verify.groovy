// The application started and its @AiService ran both tools of one AI message through langchain4j-parallel.
def log = new File(basedir, 'build.log').text
def versions = log =~ /shop: LangChain4j (\S+), tested with (\S+)/
assert versions.find() : 'the application did not start'
assert versions.group(1) == versions.group(2) : "the BOM did not pin the LangChain4j we test with: ${versions.group(0)}"
assert log.contains('shop: 1 turn, 2 calls through langchain4j-parallel') : 'the tools did not run through the library'
assert log.contains('shop: answer: order O-1 is shipped; customer C-7 is Ada') : 'no answer'
