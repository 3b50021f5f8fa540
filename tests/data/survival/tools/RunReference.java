// Runs imsweb/algorithms SurvivalTimeUtils on an input CSV (stdin, layout of codes/README.md 5.4
// without the expected columns) and prints the CSV with the expected columns filled in.
package drv;
import com.imsweb.algorithms.survival.*;
import java.io.*;
import java.util.*;
public class RunReference {
    static String n(String s) { return s == null ? "NULL" : s; }
    static String e(String s) { return (s == null || s.isEmpty()) ? null : s; }
    public static void main(String[] a) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
        String header = r.readLine();
        System.out.println("scenario,endpoint_year,record_index,dx_year,dx_month,dx_day,dolc_year,dolc_month,dolc_day,birth_year,birth_month,birth_day,seq_num_central,vital_status,type_of_reporting_source,exp_vital_status_recode,exp_survival_months,exp_survival_days,exp_survival_flag,exp_survival_months_pa,exp_survival_days_pa,exp_survival_flag_pa,exp_sorted_index,exp_st_dx_year,exp_st_dx_month,exp_st_dx_day,exp_st_dolc_year,exp_st_dolc_month,exp_st_dolc_day,exp_st_dolc_pa_year,exp_st_dolc_pa_month,exp_st_dolc_pa_day,comment");
        List<String[]> rows = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) rows.add(line.split(",", -1));
        int i = 0;
        while (i < rows.size()) {
            int j = i;
            while (j < rows.size() && rows.get(j)[0].equals(rows.get(i)[0])) j++;
            List<SurvivalTimeInputRecordDto> recs = new ArrayList<>();
            for (int k = i; k < j; k++) {
                String[] c = rows.get(k);
                SurvivalTimeInputRecordDto d = new SurvivalTimeInputRecordDto();
                d.setDateOfDiagnosisYear(e(c[3])); d.setDateOfDiagnosisMonth(e(c[4])); d.setDateOfDiagnosisDay(e(c[5]));
                d.setDateOfLastContactYear(e(c[6])); d.setDateOfLastContactMonth(e(c[7])); d.setDateOfLastContactDay(e(c[8]));
                d.setBirthYear(e(c[9])); d.setBirthMonth(e(c[10])); d.setBirthDay(e(c[11]));
                d.setSequenceNumberCentral(e(c[12])); d.setVitalStatus(e(c[13])); d.setTypeOfReportingSource(e(c[14]));
                recs.add(d);
            }
            SurvivalTimeInputPatientDto p = new SurvivalTimeInputPatientDto();
            p.setSurvivalTimeInputPatientDtoList(recs);
            SurvivalTimeOutputPatientDto o = SurvivalTimeUtils.calculateSurvivalTime(p, Integer.parseInt(rows.get(i)[1]));
            for (int k = i; k < j; k++) {
                String[] c = rows.get(k);
                SurvivalTimeOutputRecordDto x = o.getSurvivalTimeOutputPatientDtoList().get(k - i);
                StringBuilder sb = new StringBuilder();
                for (int q = 0; q < 15; q++) sb.append(c[q]).append(',');
                String[] dx = parts(x.getSurvivalTimeDxYear(), x.getSurvivalTimeDxMonth(), x.getSurvivalTimeDxDay());
                String[] dl = parts(x.getSurvivalTimeDolcYear(), x.getSurvivalTimeDolcMonth(), x.getSurvivalTimeDolcDay());
                String[] dp = parts(x.getSurvivalTimeDolcYearPresumedAlive(), x.getSurvivalTimeDolcMonthPresumedAlive(), x.getSurvivalTimeDolcDayPresumedAlive());
                sb.append(String.join(",", n(o.getVitalStatusRecode()), n(x.getSurvivalMonths()), n(x.getSurvivalDays()), n(x.getSurvivalMonthsFlag()),
                    n(x.getSurvivalMonthsPresumedAlive()), n(x.getSurvivalDaysPresumedAlive()), n(x.getSurvivalMonthsFlagPresumedAlive()),
                    String.valueOf(x.getSortedIndex()), dx[0], dx[1], dx[2], dl[0], dl[1], dl[2], dp[0], dp[1], dp[2])).append(',');
                sb.append(c.length > 15 ? c[15] : "");
                System.out.println(sb);
            }
            i = j;
        }
    }
    // combined as NAACCR would store it (blank parts end the date), split back into parts
    static String[] parts(String y, String m, String d) {
        String[] r = {"NULL", "NULL", "NULL"};
        if (y == null || y.isBlank()) return r;
        r[0] = y;
        if (m == null || m.isBlank()) return r;
        r[1] = m;
        if (d == null || d.isBlank()) return r;
        r[2] = d;
        return r;
    }
}
