package io.github.parallel4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM has no parent (an import would drag the build's test pins into applications), so its versions are
 * written out: this checks they are the build's, and that it pins every module the build publishes.
 */
class BomTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void should_pin_the_build_version_and_the_langchain4j_versions_it_is_tested_with() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        Document bom = parse(ROOT.resolve("langchain4j-parallel-bom/pom.xml"));

        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(child(root.getDocumentElement(), "version"));
        assertThat(property(bom, "langchain4j.version")).isEqualTo(property(root, "langchain4j.version"));
        assertThat(property(bom, "langchain4j-spring.version")).isEqualTo(property(root, "langchain4j-spring.version"));
    }

    @Test
    void should_pin_every_published_module() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        Document bom = parse(ROOT.resolve("langchain4j-parallel-bom/pom.xml"));
        List<String> pinned = new ArrayList<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            if ("io.github.parallel4j".equals(child(dep, "groupId"))) {
                pinned.add(child(dep, "artifactId"));
            }
        }

        List<String> published = new ArrayList<>();
        NodeList modules = root.getElementsByTagName("module");
        for (int i = 0; i < modules.getLength(); i++) {
            Path pom = ROOT.resolve(modules.item(i).getTextContent().trim()).resolve("pom.xml");
            Document module = parse(pom);
            String artifact = child(module.getDocumentElement(), "artifactId");
            boolean notDeployed = "true".equals(property(module, "maven.deploy.skip"));
            String packaging = child(module.getDocumentElement(), "packaging");
            if (!notDeployed && !"pom".equals(packaging)) {
                published.add(artifact);
            }
        }

        assertThat(published).as("jars the build publishes").isNotEmpty();
        assertThat(pinned).as("io.github.parallel4j artifacts the BOM pins").containsExactlyInAnyOrderElementsOf(published);
    }

    private static Document parse(Path pom) throws Exception {
        assertThat(pom).isRegularFile();
        try (var in = Files.newInputStream(pom)) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static String property(Document pom, String name) {
        NodeList properties = pom.getDocumentElement().getElementsByTagName("properties");
        for (int i = 0; i < properties.getLength(); i++) {
            Node p = properties.item(i);
            if (p.getParentNode() == pom.getDocumentElement()) {
                String value = child((Element) p, name);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    /** The text of a direct child element, or null. */
    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return null;
    }
}
