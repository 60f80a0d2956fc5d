\ é € /* ' org_id LEVEL */ ALTER -- org_id LEVEL , CREATE */ ROW uuid ' TABLE :: 
 ; ) uuid " = \ ALTER -- ' $$ 
 \ org_id LEVEL CREATE SECURITY " = $$ TABLE , \ \ uuid 
 $$ , é org_id " org_id = ' org_id é " SELECT é */ = SELECT \ ' TABLE ( = -- ' \ $$ org_id é é -- uuid ROW LEVEL /* ' uuid $$ é SECURITY ' € CREATE " */ :: /* SECURITY SECURITY $$ ; ' ) :: ) " ALTER CREATE ' , ) SELECT LEVEL " -- ROW uuid SECURITY -- ' é é org_id ; \ ALTER /* -- ' é é ROW 
 */ :: = CREATE é ( $$ CREATE uuid = \ ALTER /* SECURITY org_id ) TABLE /* CREATE \ TABLE ; */ ; CREATE LEVEL :: \ /* ' */ :: € $$ ; ' TABLE TABLE ) org_id SELECT ALTER ) TABLE ; ALTER SECURITY TABLE = ) ' TABLE ) ' " SECURITY SELECT ' $$ $$ org_id -- :: ' ) ) " ROW :: 
 */ € ' " /* org_id = uuid ; \ org_id CREATE \ /* " TABLE ROW \ :: ROW SELECT :: :: */ € SECURITY é uuid CREATE :: , SECURITY */ ROW ' ALTER ALTER uuid € $$ € */ ; ) é ALTER */ ROW :: € ROW ; ALTER /* = ROW LEVEL € ' , SECURITY SELECT SECURITY :: , ( ALTER $$ :: SELECT :: ROW -- ; , ROW LEVEL org_id ' é */ € " */ /* € ' uuid SECURITY ROW */ " ROW $$ ; ( ' 
 é CREATE SECURITY CREATE " CREATE -- ( ; ; */ $$ */ -- SECURITY */ € ) SECURITY é CREATE 
 -- ) org_id SECURITY -- ( SECURITY , , uuid ROW */ org_id ; LEVEL = /* \ SELECT ; -- /* " " LEVEL " ' SELECT :: \ $$ CREATE */ ) , LEVEL ; \ ; é " ROW , = 
 ; ALTER ROW ) /* ROW $$ ALTER , :: TABLE é " ' /* /* ALTER ALTER ALTER ; SELECT */ -- SECURITY € = \ 
 /* ( LEVEL SECURITY SECURITY ' \ :: LEVEL ' TABLE CREATE TABLE \ uuid /* ' " TABLE CREATE $$ ROW */ org_id uuid é */ :: € " \ ; SECURITY 
 SECURITY LEVEL é -- /* LEVEL ) é , uuid é CREATE uuid SECURITY ; -- SELECT :: 
 :: " org_id SELECT SECURITY ( CREATE , -- -- ; ) é /* , 
 ) ; -- ; $$ $$ é TABLE SELECT TABLE € 
 $$ SECURITY 
 \ */ uuid LEVEL ; TABLE CREATE ALTER :: SECURITY ' ) LEVEL org_id " org_id CREATE ' -- = ' */ */ ALTER :: */ ) = LEVEL org_id ALTER ALTER ( SECURITY ' SECURITY LEVEL 
 SECURITY uuid é SELECT ALTER ROW ROW ) -- $$ SELECT ALTER :: , \ , :: /* CREATE ALTER é ( SECURITY CREATE ( SECURITY :: = /* $$ ALTER " ; SELECT -- */ ROW TABLE " ; /* LEVEL LEVEL " $$ ; SECURITY ; " 
 /* \ ROW SECURITY $$ ( ALTER ; uuid ; uuid */ ROW -- :: ; ' org_id SELECT " ROW ROW org_id :: uuid uuid /* ALTER , " LEVEL , */ LEVEL */ LEVEL ; ,
