package io.grantwatch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep the code the shape ARCHITECTURE.md describes. Each rule names the package
 * that may do a thing, so that a newcomer finds where it happens from the folder names alone.
 */
class ArchitectureTest {
    private static JavaClasses product;

    @BeforeAll
    static void importProduct() {
        product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.grantwatch");
    }

    @Test
    void packagesHaveNoCycles() {
        ArchRule rule = slices().matching("io.grantwatch.(*)..").should().beFreeOfCycles();
        rule.check(product);
    }

    @Test
    void sqlLivesOnlyInDb() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("io.grantwatch.db..")
                .should().callMethodWhere(DescribedPredicate.describe("a statement that runs SQL", call -> {
                    String owner = call.getTarget().getOwner().getName();
                    String name = call.getTarget().getName();
                    boolean jdbiStatement = owner.equals("org.jdbi.v3.core.Handle")
                            && (name.equals("createQuery") || name.equals("createUpdate") || name.equals("createBatch")
                                    || name.equals("prepareBatch") || name.equals("createCall") || name.equals("execute")
                                    || name.equals("select") || name.equals("createScript"));
                    boolean jdbcStatement = owner.startsWith("java.sql.")
                            && (name.equals("prepareStatement") || name.equals("createStatement") || name.equals("prepareCall"));
                    return jdbiStatement || jdbcStatement;
                }))
                .as("no class outside io.grantwatch.db runs SQL (JDBI statements or JDBC statements)");
        rule.check(product);
    }

    @Test
    void coreIsPureAndImportsNoIo() {
        ArchRule rule = classes().that().resideInAPackage("io.grantwatch.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        "io.grantwatch.core..", "java.lang..", "java.util..", "java.time..", "java.math..",
                        "java.security..", "java.nio.charset..")
                .as("core (sites, normalization, the diff, event types) is pure: no I/O, no other grantwatch package");
        rule.check(product);
    }
}
