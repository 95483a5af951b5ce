package io.docpipe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The packages under {@code io.docpipe} form layers, each using only those below it (bottom to top: {@code db} and
 * {@code http}; {@code job}; {@code observe}; {@code provider} and {@code sweep}; {@code cost}; {@code storage};
 * {@code document}; {@code chunk} and {@code parse}; {@code embed}; {@code search}; {@code upload}; {@code api} and
 * {@code webhook}; {@code config}). A class that needs one from a package above it belongs lower, or the other one
 * higher.
 */
@AnalyzeClasses(locations = ArchitectureTest.MainClasses.class, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule packages_are_free_of_cycles =
            slices().matching("io.docpipe.(*)..").should().beFreeOfCycles();

    /** The wiring sits on top: only the application's entry point starts it. */
    @ArchTest
    static final ArchRule only_the_application_uses_the_wiring = noClasses()
            .that()
            .resideOutsideOfPackages("io.docpipe", "io.docpipe.config..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.docpipe.config..");

    /** The HTTP endpoints sit under the wiring only: services answer with {@code http}'s response and refusal. */
    @ArchTest
    static final ArchRule only_the_wiring_uses_the_endpoints = noClasses()
            .that()
            .resideOutsideOfPackages("io.docpipe", "io.docpipe.config..", "io.docpipe.api..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.docpipe.api..");

    /** docpipe's main classes (target/classes), read where they are instead of searched for on the whole classpath. */
    static final class MainClasses implements LocationProvider {

        @Override
        public Set<Location> get(Class<?> testClass) {
            return Set.of(Location.of(DocpipeApplication.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()));
        }
    }
}
