package io.docpipe.config;

import io.docpipe.cost.Budget;
import io.docpipe.cost.BudgetAlertOutbox;
import io.docpipe.cost.CostLedger;
import io.docpipe.cost.PipelineGauges;
import io.docpipe.cost.RescheduledJobs;
import io.docpipe.embed.OpenAiBudget;
import io.docpipe.parse.LlamaParseBudget;
import io.docpipe.provider.ServiceMode;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cost ledger, each service's daily budget and hourly cap, the jobs rescheduled by them, budget alerts and the
 * pipeline's gauges. The stages' own budget gates are wired with their stage.
 */
final class CostWiring {

    private static final Logger LOG = LoggerFactory.getLogger(CostWiring.class);

    /** What the stages and the API need of the costs. */
    record Costs(CostLedger ledger, Budget llamaParse, Budget openAi) {

        List<Budget> budgets() {
            return List.of(llamaParse, openAi);
        }
    }

    private CostWiring() {}

    static Costs bind(Foundation f, ProviderSettings llamaParse, ProviderSettings openAi) throws Exception {
        Settings settings = f.settings();
        CostLedger ledger = new CostLedger(
                f.jdbc(),
                f.tx(),
                f.clock(),
                f.instanceId(),
                f.stateMachine(),
                f.meters(),
                Duration.ofSeconds(settings.number("docpipe.cost.reservation-timeout-seconds")));
        if (f.database().isEmbedded()) {
            // the process that held them is gone: the embedded database is this process's alone
            ledger.releaseAbandonedReservations(true, Integer.MAX_VALUE);
        }
        Budget llamaParseBudget = budget(settings, LlamaParseBudget.SERVICE, "LLAMAPARSE", "docpipe.llamaparse");
        Budget openAiBudget = budget(settings, OpenAiBudget.SERVICE, "OPENAI", "docpipe.openai");
        warnWithoutBudget(llamaParse.mode(), llamaParseBudget, "LLAMAPARSE_DAILY_BUDGET_USD");
        warnWithoutBudget(openAi.mode(), openAiBudget, "OPENAI_DAILY_BUDGET_USD");
        f.registry().bind("costLedger", ledger);
        f.registry()
                .bind(
                        "rescheduledJobs",
                        new RescheduledJobs(
                                f.jdbc(),
                                f.stateMachine(),
                                ledger,
                                llamaParseBudget,
                                openAiBudget,
                                settings.integer("docpipe.sweeps.batch-size")));
        f.registry()
                .bind(
                        "budgetAlertOutbox",
                        new BudgetAlertOutbox(f.jdbc(), f.redactor(), settings.integer("docpipe.alert.retry-seconds")));
        PipelineGauges gauges =
                new PipelineGauges(f.jdbc(), ledger, List.of(LlamaParseBudget.SERVICE, OpenAiBudget.SERVICE));
        f.context().addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                // camel-main binds the Prometheus registry while starting: gauges go in once it is there
                gauges.register(f.meters());
            }
        });
        return new Costs(ledger, llamaParseBudget, openAiBudget);
    }

    /** A service's daily budget and hourly cap; a value that is no amount stops the start naming its variable. */
    private static Budget budget(Settings settings, String service, String variablePrefix, String prefix) {
        String daily = settings.string(prefix + ".daily-budget-usd");
        try {
            return Budget.of(service, daily, settings.integer(prefix + ".max-requests-per-hour"));
        } catch (IllegalArgumentException e) {
            throw new StartupRefusedException(variablePrefix + "_DAILY_BUDGET_USD must be an amount of USD such as 5 or"
                    + " 12.50 (or unset for no cap), was '" + daily + "'");
        }
    }

    private static void warnWithoutBudget(ServiceMode mode, Budget budget, String variable) {
        if (mode.usesRealService() && budget.dailyUsd() == null) {
            LOG.warn("{} is not set: {} spending has no daily cap", variable, budget.service());
        }
    }
}
